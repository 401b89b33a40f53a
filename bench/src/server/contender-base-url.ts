/**
 * The base URL of a contender's calls: `<server>/c/<contender>/<script>`, to which clients add
 * `/v1beta/models/<model>:<method>`. The contender segment keeps per-contender counters on the
 * server; the script segment says what the server plays.
 */
export function contenderBaseUrl(serverUrl: string, contender: string, script: string): string {
  return `${serverUrl}/c/${contender}/${script}`;
}
