/**
 * An error the user can fix: its message is one line naming the cause and the fix. The CLI
 * prints it without a stack and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Bad input (flags, scenario files, settings): exit code 2. */
export class InputError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'InputError';
  }
}

/** A request the system understood but cannot carry out in its present state (HTTP 409): the message says why. */
export class ConflictError extends UserError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'ConflictError';
  }
}
