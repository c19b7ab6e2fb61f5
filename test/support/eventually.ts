// What another instance learns through LISTEN/NOTIFY it learns a moment later, never after a restart: a
// check is tried again for a few seconds before it counts as false.
export async function eventually(check: () => Promise<boolean>, attempts = 50, delayMs = 100): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return false;
}
