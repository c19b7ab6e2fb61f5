import { escapeHtml, html, SafeHtml, trusted } from '../../src/views/html.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('leaves ordinary text alone', () => {
    expect(escapeHtml('Vaulx-en-Velin, 69120')).toBe('Vaulx-en-Velin, 69120');
  });
});

describe('html', () => {
  it('escapes interpolated text', () => {
    expect(html`<p>${'<script>alert(1)</script>'}</p>`.toString()).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('keeps an attribute value from breaking out of its quotes', () => {
    expect(html`<input value="${'" autofocus onfocus="alert(1)'}">`.toString()).toBe(
      '<input value="&quot; autofocus onfocus=&quot;alert(1)">',
    );
  });

  it('inserts nested templates without escaping them twice', () => {
    const inner = html`<b>${'a & b'}</b>`;
    expect(html`<p>${inner}</p>`.toString()).toBe('<p><b>a &amp; b</b></p>');
  });

  it('joins lists, escaping each item', () => {
    const items = ['<one>', html`<li>two</li>`];
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul>&lt;one&gt;<li>two</li></ul>');
  });

  it('renders nothing for undefined, null and false, and text for numbers and true', () => {
    expect(html`[${undefined}|${null}|${false}|${0}|${true}]`.toString()).toBe('[|||0|true]');
  });

  it('returns SafeHtml', () => {
    expect(html`<p></p>`).toBeInstanceOf(SafeHtml);
  });
});

describe('trusted', () => {
  it('passes markup produced elsewhere through unchanged', () => {
    expect(html`<div>${trusted('<input type="hidden" name="a" value="b">')}</div>`.toString()).toBe(
      '<div><input type="hidden" name="a" value="b"></div>',
    );
  });
});
