/** What one receiver is sent for one notice: the request's own headers and body. */
export interface OutgoingMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Where the notice comes from, for a receiver that hears from several monitors. */
export interface NoticeContext {
  /** This machine's host name. */
  readonly host: string;
}
