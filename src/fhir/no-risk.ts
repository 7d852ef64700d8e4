// Onward keeps no risk scores (docs/clinical-rules.md, "No risk scores", NICE NG225 1.6): nothing it sends may stratify people
// into risk bands or predict an outcome. This walks any JSON (a resource, a Bundle, a serialised string)
// and names every place that looks like risk stratification. It checks structure and codes, not prose:
// a clinician's narrative may rightly talk about risk, but no key or coded value may grade it.

const RISK_WORD = /risk.?(score|level|category|tier|strat)/i;
/** RiskAssessment.prediction and its parts, in case they turn up outside a RiskAssessment. */
const PREDICTION_KEYS = new Set([
  'prediction',
  'probabilityDecimal',
  'probabilityRange',
  'qualitativeRisk',
  'relativeRisk',
]);
/** A bare band as a code ("high"), or a band named as risk ("High risk", "risk-medium"). */
const BAND = /^\s*(very[\s_-]*)?(low|medium|moderate|high)\s*$/i;
const BAND_RISK = /\b(low|medium|moderate|high)[\s_-]*risk\b|\brisk[\s_-]*(low|medium|moderate|high)\b/i;
/** HL7's risk-probability code system (negligible | low | moderate | high | certain). */
const RISK_SYSTEMS = new Set(['http://terminology.hl7.org/CodeSystem/risk-probability']);

type Obj = Record<string, unknown>;

export function findRiskStratification(json: unknown): string[] {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  const found: string[] = [];
  walk(value, '$', found);
  return found;
}

export function assertNoRiskStratification(json: unknown): void {
  const found = findRiskStratification(json);
  if (found.length) throw new Error(`Risk stratification found (NICE NG225 1.6):\n- ${found.join('\n- ')}`);
}

function walk(value: unknown, path: string, found: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walk(v, `${path}[${i}]`, found);
    });
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Obj;

  if (o.resourceType === 'RiskAssessment') found.push(`${path}: resourceType RiskAssessment`);

  const isCoding = typeof o.reference !== 'string' && (typeof o.code === 'string' || typeof o.system === 'string');
  const isCodeableConcept = Array.isArray(o.coding);

  for (const [key, v] of Object.entries(o)) {
    const at = `${path}.${key}`;
    if (RISK_WORD.test(key)) found.push(`${at}: key names a risk grade`);
    if (PREDICTION_KEYS.has(key)) found.push(`${at}: prediction`);
    if (typeof v === 'string') {
      const coded =
        key === 'valueCode' ||
        key === 'url' ||
        key === 'resourceType' ||
        (isCoding && (key === 'code' || key === 'display' || key === 'system')) ||
        (isCodeableConcept && key === 'text');
      if (!coded) continue;
      if (RISK_WORD.test(v)) found.push(`${at}: "${v}" names a risk grade`);
      if ((key === 'code' || key === 'valueCode' || key === 'display') && BAND.test(v))
        found.push(`${at}: "${v}" is a risk band`);
      if (key !== 'url' && key !== 'system' && BAND_RISK.test(v)) found.push(`${at}: "${v}" is a risk band`);
      if (key === 'system' && RISK_SYSTEMS.has(v)) found.push(`${at}: risk-probability code system`);
    } else {
      walk(v, at, found);
    }
  }
}
