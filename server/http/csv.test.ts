import { describe, expect, it } from 'vitest';
import { COMMA_DIALECT, csvCell, dialectForLanguage, SEMICOLON_DIALECT, toCsv } from './csv.js';

describe('csvCell', () => {
  it('leaves plain text and numbers alone, and writes null as empty', () => {
    expect(csvCell('Shoulders down')).toBe('Shoulders down');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(3.5)).toBe('3.5');
    expect(csvCell(null)).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('neck, shoulders')).toBe('"neck, shoulders"');
    expect(csvCell('she said "relax"')).toBe('"she said ""relax"""');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
  });

  it('keeps Czech letters as they are', () => {
    expect(csvCell('Uvolněte ramena, prosím – žádný tlak')).toBe('"Uvolněte ramena, prosím – žádný tlak"');
    expect(csvCell('Příliš žluťoučký kůň')).toBe('Příliš žluťoučký kůň');
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a formula %j', (text, expected) => {
    expect(csvCell(text)).toBe(expected);
  });

  it('leaves text with a formula sign inside alone', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('e-mail')).toBe('e-mail');
  });
});

describe('toCsv', () => {
  it('starts with a UTF-8 byte-order mark and ends every row with CRLF', () => {
    const csv = toCsv([
      ['section', 'value'],
      ['comment', 'Děkuji, bylo to skvělé'],
      ['count', 3],
    ]);
    expect(csv).toBe('\uFEFFsection,value\r\ncomment,"Děkuji, bylo to skvělé"\r\ncount,3\r\n');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('the semicolon dialect (a spreadsheet set to Czech)', () => {
  it('writes decimals with a comma and quotes only what holds a semicolon, a quote or a line break', () => {
    expect(csvCell(4.33, SEMICOLON_DIALECT)).toBe('4,33');
    expect(csvCell(12, SEMICOLON_DIALECT)).toBe('12');
    expect(csvCell('krk, ramena', SEMICOLON_DIALECT)).toBe('krk, ramena');
    expect(csvCell('krk; ramena', SEMICOLON_DIALECT)).toBe('"krk; ramena"');
    expect(csvCell('"ticho"', SEMICOLON_DIALECT)).toBe('"""ticho"""');
    expect(csvCell('=1+1', SEMICOLON_DIALECT)).toBe("'=1+1");
  });

  it('joins cells with semicolons, rows with CRLF, after the byte-order mark', () => {
    expect(toCsv([['a', 1.5, null], ['b;c', 2, 'x']], SEMICOLON_DIALECT)).toBe('\uFEFFa;1,5;\r\n"b;c";2;x\r\n');
    expect(toCsv([['a', 1.5, null]])).toBe('\uFEFFa,1.5,\r\n');
  });

  it('is chosen for Czech, the comma dialect for English', () => {
    expect(dialectForLanguage('cs')).toEqual(SEMICOLON_DIALECT);
    expect(dialectForLanguage('en')).toEqual(COMMA_DIALECT);
  });
});
