// What every test file needs to reach the harness run.sh started: its EC2 endpoint, dummy credentials, and a
// control API call that fails the test on a non-2xx answer.
import assert from 'node:assert/strict';

export const endpoint = process.env.AWS_ENDPOINT_URL_EC2;
if (!endpoint) {
  throw new Error('AWS_ENDPOINT_URL_EC2 is not set (tests/conformance/js/run.sh starts a harness and sets it)');
}

export const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** One control API call (/_harness/…); the parsed JSON body, or undefined when there is none. */
export async function control(method, path, body) {
  const response = await fetch(endpoint + path, {
    method,
    // Every POST and PUT says JSON, even with no body: the harness refuses others (415), as a browser could send them cross-site.
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
