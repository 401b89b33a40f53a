type Json = Record<string, unknown>;

/** A webhook the fake holds. @internal */
export type FakeWebhook = {
  resource: Json;
  /** Its live secrets, newest first; `expires` (ms) on the ones a rotation retires in 24 h. */
  secrets: Array<{ secret: string; expires: number | undefined }>;
};

/** One delivery the fake made (or tried), for tests to read. */
export type FakeWebhookDelivery = {
  webhookId: string;
  uri: string;
  type: string;
  body: string;
  /** The receiver's status, or `undefined` when the request failed (`error` says why). */
  status: number | undefined;
  error?: string | undefined;
};
