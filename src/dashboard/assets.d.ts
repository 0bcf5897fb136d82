// What vite's `?inline` suffix gives: the file's text (the dashboard imports uPlot's CSS this way).
declare module '*.css?inline' {
  const text: string;
  export default text;
}
