export function widgetsReady(): boolean;
