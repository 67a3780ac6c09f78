import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { AppError } from '../../src/lib/errors.ts';
import type { LightCurveFile } from '../../src/lib/lightcurve/file.ts';
import { LIGHTCURVES } from './paths.ts';

/** A shared fixture light curve as the network layer would hand it over (its own ArrayBuffer). */
export function lightCurveFile(name: string): LightCurveFile {
  const bytes = readFileSync(path.join(LIGHTCURVES, name));
  return { name, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

/** The AppError `fn` throws; fails the test when it throws nothing or something else. */
export function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError, nothing was thrown');
}
