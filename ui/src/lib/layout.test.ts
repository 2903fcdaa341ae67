/// <reference types="node" />
// Layout rules jsdom cannot measure, checked in the style sheets themselves: table cells must not let
// a column shrink to one letter, actions stay on one line, and every colour has a dark variant.
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Email from '../components/Email.svelte';

const css = readFileSync(resolve(__dirname, '../app.css'), 'utf8');

function rule(selector: string): string {
  const re = new RegExp(`(^|\\n)${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\{([^}]*)\\}`);
  const m = css.match(re);
  if (!m) throw new Error(`no rule for ${selector}`);
  return m[2];
}

describe('tables', () => {
  it('never break cell text at any letter (that squeezed columns to one character)', () => {
    expect(css).not.toMatch(/overflow-wrap:\s*anywhere/);
    expect(rule('th,\ntd')).toMatch(/overflow-wrap:\s*break-word/);
  });

  it('keep buttons, selects, chips and action cells on one line', () => {
    expect(rule('td button,\ntd select,\ntd .chip')).toMatch(/white-space:\s*nowrap/);
    expect(rule('td.actions')).toMatch(/white-space:\s*nowrap/);
    expect(rule('.table-wrap')).toMatch(/overflow-x:\s*auto/);
  });
});

describe('Email', () => {
  it('may wrap only before "@" and dots, and shows the address literally', () => {
    const { container } = render(Email, { value: 'data-scientist@acme-ml.example' });
    const span = container.querySelector('.email')!;
    expect(span.textContent).toBe('data-scientist@acme-ml.example');
    expect(span.querySelectorAll('wbr')).toHaveLength(2);
    // The pieces with a hyphen are kept whole, so the line never breaks after "data-" or "acme-".
    expect(span.innerHTML.replace(/<!--.*?-->/g, '').replace(/ class="[^"]*"/g, '')).toBe(
      '<span>data-scientist</span><wbr><span>@acme-ml</span><wbr>.example',
    );
  });

  it('keeps a plain address one run of text', () => {
    const { container } = render(Email, { value: 'user1@example.com' });
    const span = container.querySelector('.email')!;
    expect(span.querySelectorAll('span')).toHaveLength(0);
    expect(span.querySelectorAll('wbr')).toHaveLength(2);
  });

  it('renders markup in an address as text', () => {
    const { container } = render(Email, { value: '<img src=x onerror=alert(1)>@x.io' });
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>@x.io');
  });
});

describe('colours', () => {
  it('define a dark variant for every colour variable of the light theme', () => {
    const light = rule(':root');
    const dark = css.match(/@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{([^}]*)\}/)![1];
    const names = (block: string) => [...block.matchAll(/(--[\w-]+):/g)].map((m) => m[1]).sort();
    expect(names(light).length).toBeGreaterThan(10);
    expect(names(dark)).toEqual(names(light));
  });
});
