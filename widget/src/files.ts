/** Files picked in a browser, as the API takes them. Both UIs use it (the admin UI imports it from here). */
/** A file as the API takes it: base64 in the JSON body. */
export async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function uploadsOf(files: readonly File[]) {
  return Promise.all(files.map(async (f) => ({ filename: f.name, contentType: f.type || 'application/octet-stream', content: await base64Of(f) })));
}
