#!/usr/bin/env node
// The ceiling on password sign-ins: argon2id verifications with the configured parameters
// (config/default.json), one process per core verifying back to back. Each process reports its count and
// its own CPU (process.cpuUsage counts the libuv thread argon2 runs on). Usage as a library: argon2Bound(s).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import { root } from './support.mjs';

const configured = () => JSON.parse(readFileSync(`${root}config/default.json`, 'utf8')).argon2;

async function verifyFor(seconds) {
  const { memoryKiB, timeCost, parallelism } = configured();
  const password = 'bench password that is long enough';
  const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: memoryKiB, timeCost, parallelism });
  await argon2.verify(hash, password); // warm
  const cpuBefore = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    if (!(await argon2.verify(hash, password))) throw new Error('argon2 refused its own hash');
    count += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(JSON.stringify({ count, seconds, cpuMs: (cpu.user + cpu.system) / 1000 }));
}

/** Verifications/s on all cores at once, and argon2's CPU ms per verification, with the parameters used. */
export async function argon2Bound(seconds) {
  const cores = availableParallelism();
  const runs = await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [fileURLToPath(import.meta.url), String(seconds)], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (chunk) => (out += chunk));
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`argon2 bound exited ${code}`))));
        }),
    ),
  );
  const count = runs.reduce((sum, run) => sum + run.count, 0);
  const cpuMs = runs.reduce((sum, run) => sum + run.cpuMs, 0);
  return { cores, parameters: configured(), verificationsPerSecond: count / seconds, cpuMsPerVerification: cpuMs / count };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  verifyFor(Number(process.argv[2] ?? 5)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
