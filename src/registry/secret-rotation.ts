// How long the secret a rotation replaces may keep working. The overlap lets a commune's site deploy its
// new secret without an outage; it is bounded so that a forgotten old secret cannot live on for good.
import { invalid } from '../errors.js';

/** 90 days: the longest overlap anyone may ask (config's default must stay within it). */
export const MAX_SECRET_OVERLAP_SECONDS = 90 * 24 * 3600;

export function checkSecretOverlap(overlapSeconds: number): void {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_SECRET_OVERLAP_SECONDS) {
    throw invalid('client_secret_overlap_invalid', `overlap: a whole number of seconds from 0 to ${MAX_SECRET_OVERLAP_SECONDS} (90 days)`, {
      field: 'overlap_seconds',
    });
  }
}
