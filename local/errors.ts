/** A problem with the local machine (missing Java, busy port) that deserves one clear line, not a stack. */
export class LocalSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalSetupError';
  }
}
