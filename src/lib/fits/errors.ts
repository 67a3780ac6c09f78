import { AppError } from '../errors.ts';

/** Where in a file a problem is: "kplr….fits: HDU 1 (LIGHTCURVE)". */
export interface HduPlace {
  fileName: string;
  index: number;
  name?: string | null;
}

export function describePlace(place: HduPlace): string {
  const hdu = place.name ? `HDU ${place.index} (${place.name})` : `HDU ${place.index}`;
  return `${place.fileName}: ${hdu}`;
}

/** Every structural problem is permanent (retrying the same bytes cannot help). */
export function fitsInvalid(place: HduPlace, problem: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('fits-invalid', `${describePlace(place)} ${problem}`, {
    fileName: place.fileName,
    hdu: place.index,
    ...details,
  });
}
