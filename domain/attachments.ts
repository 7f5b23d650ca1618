/** What files may come with a message: how many, how large. The widget, the public page and the reply box ask the same. */
export interface AttachmentLimits {
  maxCount: number;
  maxBytes: number;
}

export interface AttachmentInfo {
  filename: string;
  size: number;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** The first problem with the files, or null. */
export function attachmentProblem(files: readonly AttachmentInfo[], limits: AttachmentLimits): string | null {
  if (files.length > limits.maxCount) return `Attach at most ${limits.maxCount} file${limits.maxCount === 1 ? '' : 's'}.`;
  const tooBig = files.find((f) => f.size > limits.maxBytes);
  if (tooBig) return `"${tooBig.filename}" is larger than ${megabytes(limits.maxBytes)}.`;
  const empty = files.find((f) => f.size === 0);
  if (empty) return `"${empty.filename}" is empty.`;
  return null;
}

/** The JSON body a request with these files needs at most (base64 is 4/3 of the bytes), with room for the text. */
export const bodyLimitFor = (limits: AttachmentLimits) => limits.maxCount * Math.ceil(limits.maxBytes / 3) * 4 + 512 * 1024;
