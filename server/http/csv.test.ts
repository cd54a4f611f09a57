import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

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
