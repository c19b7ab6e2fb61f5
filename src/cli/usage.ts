// A command line given wrongly (glc exits 2): an unknown command or option, a missing or malformed value.
export class UsageError extends Error {}
