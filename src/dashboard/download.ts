/**
 * Saves what the API answered as a file. The answers need the API key in a
 * header, so a plain link cannot fetch them: the bytes are fetched first and
 * handed to the browser's download from an object URL.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Freed later rather than at once: a browser may still be reading it when click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A file name from free text (an image URL, a tenant id): letters, digits, dots and hyphens. */
export function fileNamePart(text: string): string {
  return (
    text
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(-80) || 'image'
  );
}
