/** GB 11643-1999 check character of the first 17 digits of a resident ID (ISO 7064 MOD 11-2). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('resident ID body must be 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * A valid resident ID for demo, test and benchmark people: area + birth date (YYYYMMDD) + 3-digit
 * serial + check character. Each caller keeps its people apart by its own birth years.
 */
export function syntheticResidentId(birthDate: string, serial: number, area = '440106'): string {
  const body = `${area}${birthDate}${String(serial).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}
