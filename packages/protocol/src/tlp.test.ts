import { describe, expect, it } from 'vitest';
import { TLP, TLP_AUDIENCES, TLP_LEVELS, mayShareOnward, parseTlp, stricterOf, tlpLabel, type Tlp, type TlpAudience } from './tlp.js';

describe('TLP 2.0', () => {
  it('has the five labels with FIRST colours on black', () => {
    expect(TLP_LEVELS.map(tlpLabel)).toEqual(['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED']);
    expect(TLP.RED.colour).toEqual({ text: '#FF2B2B', background: '#000000', rgb: [255, 43, 43] });
    expect(TLP.AMBER.colour.text).toBe('#FFC000');
    expect(TLP['AMBER+STRICT'].colour.text).toBe('#FFC000');
    expect(TLP.GREEN.colour.text).toBe('#33FF00');
    expect(TLP.CLEAR.colour.text).toBe('#FFFFFF');
    expect(TLP.RED.definition).toBe('For the eyes and ears of individual recipients only, no further disclosure.');
  });

  // Rows: label; columns: the audiences in TLP_AUDIENCES order, widest first.
  const table: Array<[Tlp, boolean[]]> = [
    ['CLEAR', [true, true, true, true, true]],
    ['GREEN', [false, true, true, true, true]],
    ['AMBER', [false, false, true, true, true]],
    ['AMBER+STRICT', [false, false, false, true, true]],
    ['RED', [false, false, false, false, true]],
  ];
  for (const [level, row] of table) {
    TLP_AUDIENCES.forEach((audience: TlpAudience, i) => {
      it(`${level} ${row[i] ? 'may' : 'may not'} go to ${audience}`, () => {
        expect(mayShareOnward(level, audience)).toBe(row[i]);
      });
    });
  }

  it('takes the stricter of two labels, in either order', () => {
    expect(stricterOf('GREEN', 'AMBER')).toBe('AMBER');
    expect(stricterOf('RED', 'CLEAR')).toBe('RED');
    expect(stricterOf('AMBER+STRICT', 'AMBER')).toBe('AMBER+STRICT');
    expect(stricterOf('AMBER', 'AMBER+STRICT')).toBe('AMBER+STRICT');
    expect(stricterOf('GREEN', 'GREEN')).toBe('GREEN');
  });

  it('reads labels as people write them', () => {
    expect(parseTlp('TLP:AMBER+STRICT')).toBe('AMBER+STRICT');
    expect(parseTlp(' tlp: green ')).toBe('GREEN');
    expect(parseTlp('TLP:WHITE')).toBe('CLEAR');
    expect(parseTlp('TLP:BLUE')).toBeUndefined();
  });
});
