/** A payload that breaks a VietQR/EMVCo rule; `tag` is the dotted tag path (e.g. `38.01.01`). */
export class VietQrError extends Error {
  constructor(
    message: string,
    readonly tag?: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = "VietQrError";
  }
}
