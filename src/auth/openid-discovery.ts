/** Where an OpenID issuer publishes its signing keys: `jwks_uri` of `{issuer}/.well-known/openid-configuration`. */
export async function discoverJwksUri(issuer: string, signal: AbortSignal = AbortSignal.timeout(5_000)): Promise<URL> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal });
  if (!response.ok) throw new Error(`OpenID configuration of ${issuer} answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new Error(`OpenID configuration of ${issuer} has no jwks_uri`);
  return new URL(document.jwks_uri);
}
