import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TlpBadge, type TlpLevel } from './tlp-badge.js';

const levels: TlpLevel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

describe('TlpBadge', () => {
  it.each(levels)('shows TLP:%s as text, with its class and no inline style', (level) => {
    const html = renderToStaticMarkup(createElement(TlpBadge, { level, withDefinition: true }));
    expect(html).toContain(`TLP:${level}`);
    expect(html).toContain(`tlp-${level.toLowerCase().replace('+', '-')}`);
    expect(html).not.toContain('style=');
    expect(html).toContain('Sharing marking:');
  });
  it('shows the definition only when asked', () => {
    expect(renderToStaticMarkup(createElement(TlpBadge, { level: 'RED' }))).not.toContain('tlp-definition');
    expect(renderToStaticMarkup(createElement(TlpBadge, { level: 'RED', withDefinition: true }))).toContain('For the eyes and ears of individual recipients only');
  });
});
