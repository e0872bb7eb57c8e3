import { structuralProblems } from './request-validation';

describe('structuralProblems: free text', () => {
  it.each([
    ['NUL', 'Widget\u0000'],
    ['BEL', 'Widget\u0007'],
    ['ESC', '\u001b[31mWidget'],
    ['DEL', 'Wid\u007fget'],
    ['a C1 control', 'Widget\u0085'],
    ['a bidi override', 'Widget \u202Egpj.exe'],
    ['a bidi isolate', '\u2066Widget\u2069'],
  ])('refuses %s in any string field, naming the field and the character', (_what, text) => {
    const problems = structuralProblems({ name: 'ok', lines: [{ note: text }] });
    expect(problems).toEqual([
      {
        field: 'lines.0.note',
        messages: [
          expect.stringMatching(
            /^must not contain control or bidirectional-control characters \(found U\+[0-9A-F]{4}\)$/,
          ),
        ],
      },
    ]);
  });

  it('accepts ordinary text, with tabs, line breaks, accents, emoji and right-to-left scripts', () => {
    expect(
      structuralProblems({ name: 'Café au lait ☕', reason: 'line one\r\nline two\tindented', he: 'שלום' }),
    ).toEqual([]);
  });
});
