// What a call refuses with: the error of the expected class it throws, for a test to read its code,
// field or message. Another error goes on up; no error at all fails the test.
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown, what = 'the call'): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected ${what} to throw a ${type.name}`);
}
