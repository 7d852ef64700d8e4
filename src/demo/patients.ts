import { en, en_GB, en_IN, en_NG, Faker } from '@faker-js/faker';
import { nhsCheckDigit } from '../patients/model.ts';
import { gpPracticeCount, gpPracticeOds, outcodes } from './ics.ts';
import { ageBands, ethnicityWeights, imdWeights, namePoolFor, sexWeights } from './population.ts';
import { seededRandom } from './random.ts';

// Synthetic patients, generated as rows ready for COPY. Everything comes from the seed: the same
// seed and count give the same people, byte for byte.

export type PatientRow = {
  id: string;
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: string;
  ethnicCategory: string;
  postcode: string;
  imdDecile: number;
  gpPracticeOds: string;
  /** Which hospital's liaison team is caring for them (index into ics.hospitals). */
  hospital: number;
  careStartedAt: Date;
};

/**
 * Every valid NHS number in the test range 999 000 000 0 – 999 999 999 9: six free digits and a
 * Modulus 11 check digit, so 909,091 numbers and no more. Numbers are shuffled by the seed.
 */
export function testRangeNhsNumbers(seed: number): { count: number; at(i: number): string } {
  const stems = new Int32Array(1_000_000);
  let count = 0;
  for (let n = 0; n < 1_000_000; n++) {
    if (nhsCheckDigit(`999${String(n).padStart(6, '0')}`) !== null) stems[count++] = n;
  }
  const random = seededRandom(seed ^ 0x5eed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = stems[i]!;
    stems[i] = stems[j]!;
    stems[j] = t;
  }
  return {
    count,
    at(i) {
      const stem = `999${String(stems[i]).padStart(6, '0')}`;
      return `${stem}${nhsCheckDigit(stem)}`;
    },
  };
}

type NamePools = Record<'british' | 'south-asian' | 'african', { female: string[]; male: string[]; family: string[] }>;

function namePools(seed: number): NamePools {
  const pool = (locale: (typeof en_GB)[], size: number) => {
    const faker = new Faker({ locale: [...locale, en] });
    faker.seed(seed);
    const unique = (make: () => string) => [...new Set(Array.from({ length: size }, make))];
    return {
      female: unique(() => faker.person.firstName('female')),
      male: unique(() => faker.person.firstName('male')),
      family: unique(() => faker.person.lastName()),
    };
  };
  return { british: pool([en_GB], 400), 'south-asian': pool([en_IN], 200), african: pool([en_NG], 200) };
}

const INCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const DAY_MS = 86_400_000;

export function* generatePatients(options: {
  seed: number;
  count: number;
  asOf: Date;
  hospitalShares: readonly number[];
}) {
  const { seed, count, asOf } = options;
  const random = seededRandom(seed);
  const pools = namePools(seed);
  const numbers = testRangeNhsNumbers(seed);
  const hospitals = options.hospitalShares.map((share, i) => [i, share] as const);
  const asOfDay = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  for (let i = 0; i < count; i++) {
    const sex = random.weighted(sexWeights);
    const ethnicCategory = random.weighted(ethnicityWeights);
    const names = pools[namePoolFor(ethnicCategory)];
    const givenPool =
      sex === 'male' ? names.male : sex === 'female' ? names.female : random.next() < 0.5 ? names.male : names.female;
    const [minAge, maxAge] = random.weighted(ageBands);
    const ageDays = Math.floor((minAge + random.next() * (maxAge - minAge + 1)) * 365.25);
    const careStartedAt = new Date(asOf.getTime() - Math.floor(random.next() * 365 * DAY_MS));
    yield {
      id: random.uuid(),
      // Beyond the 909,091 test-range numbers, people are recorded as not yet traced, as an
      // unidentified attender would be: real NHS numbers must never be generated.
      nhsNumber: i < numbers.count ? numbers.at(i) : null,
      givenName: random.pick(givenPool),
      familyName: random.pick(names.family),
      dateOfBirth: new Date(asOfDay - ageDays * DAY_MS).toISOString().slice(0, 10),
      sex,
      ethnicCategory,
      postcode: `${random.pick(outcodes)} ${random.int(1, 9)}${INCODE_LETTERS[random.int(0, 19)]}${INCODE_LETTERS[random.int(0, 19)]}`,
      imdDecile: random.weighted(imdWeights),
      gpPracticeOds: gpPracticeOds(random.int(0, gpPracticeCount - 1)),
      hospital: random.weighted(hospitals),
      careStartedAt,
    } satisfies PatientRow;
  }
}
