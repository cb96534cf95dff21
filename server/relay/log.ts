/** The slice of a pino-style logger the relay uses. */
export interface RelayLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
