import { addDec, cmpDec, decFromDouble, divDec, mulDec, parseDec, roundDec, toDecimal128 } from './decimal';

const d = (s: string) => parseDec(s);
const str = (x: ReturnType<typeof parseDec>) => toDecimal128(x).toString();

describe('exact Decimal128 arithmetic', () => {
  it('adds, subtracts and multiplies without binary rounding', () => {
    expect(str(addDec(d('0.1'), d('0.2')))).toBe('0.3');
    expect(str(addDec(d('19.90'), d('0.10'), true))).toBe('19.80');
    expect(str(mulDec(d('19.90'), d('3')))).toBe('59.70');
    expect(str(addDec(d('-0'), d('-0')))).toBe('-0');
  });

  it('divides to 34 significant digits, exact quotients at the preferred exponent', () => {
    expect(str(divDec(d('10'), d('4')))).toBe('2.5');
    expect(str(divDec(d('1'), d('3')))).toBe('0.3333333333333333333333333333333333');
    expect(str(divDec(d('2'), d('3')))).toBe('0.6666666666666666666666666666666667');
    expect(str(divDec(d('1'), d('0')))).toBe('Infinity');
    expect(str(divDec(d('0'), d('0')))).toBe('NaN');
  });

  it('rounds half to even and truncates at a decimal place', () => {
    expect(str(roundDec(d('2.345'), 2, 'even'))).toBe('2.34');
    expect(str(roundDec(d('2.355'), 2, 'even'))).toBe('2.36');
    expect(str(roundDec(d('-2.359'), 2, 'trunc'))).toBe('-2.35');
    expect(str(roundDec(d('19.1'), 0, 'ceil'))).toBe('20');
    expect(str(roundDec(d('-19.1'), 0, 'floor'))).toBe('-20');
  });

  it('compares across exponents and converts doubles with 15 digits', () => {
    expect(cmpDec(d('1.10'), d('1.1'))).toBe(0);
    expect(cmpDec(d('-Infinity'), d('-1E+6000'))).toBe(-1);
    expect(str(decFromDouble(2.5))).toBe('2.50000000000000');
  });
});
