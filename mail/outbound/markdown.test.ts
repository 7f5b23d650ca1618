import { markdownHtmlToText, markdownToHtml } from './markdown';

describe("an operator's Markdown", () => {
  it.each([
    ['bold and italics', 'A **fix** is _live_ and *soon*', '<p>A <strong>fix</strong> is <em>live</em> and <em>soon</em></p>'],
    ['line breaks as typed', 'Hello Ann,\nthanks.', '<p>Hello Ann,<br />\nthanks.</p>'],
    ['a link, opened apart', 'See [the guide](https://example.com/guide)', '<p>See <a href="https://example.com/guide" rel="noopener noreferrer nofollow" target="_blank">the guide</a></p>'],
    ['lists', '- one\n- two\n\n1. first', '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n</ol>'],
    ['a quote', '> you wrote', '<blockquote>\n<p>you wrote</p>\n</blockquote>'],
    ['code', 'Run `npm i`\n\n```\n<b>x</b>\n```', '<p>Run <code>npm i</code></p>\n<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>'],
    ['raw HTML as typed', '<script>alert(1)</script><img src=x onerror=alert(1)>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</p>'],
    ['no script link', '[x](javascript:alert(1)) [y](data:text/html,hi) [z](vbscript:x)', '<p>[x](javascript:alert(1)) [y](data:text/html,hi) [z](vbscript:x)</p>'],
    ['no heading, no image', '# Big\n![pic](https://example.com/p.png)', '<p># Big<br />\n!<a href="https://example.com/p.png" rel="noopener noreferrer nofollow" target="_blank">pic</a></p>'],
    ['words with underscores stay words', 'snake_case_name', '<p>snake_case_name</p>'],
  ])('%s', (_what, text, html) => {
    expect(markdownToHtml(text)).toBe(html);
  });

  it('reads as plain text in the mail\'s text part', () => {
    const html = markdownToHtml('Hello **Ann**,\n\n- restart the app\n- see [the guide](https://example.com/guide)\n\n> it crashed');
    expect(markdownHtmlToText(html)).toBe('Hello Ann,\n\n * restart the app\n * see the guide [https://example.com/guide]\n\n> it crashed');
  });

  it('renders a long line of markup characters in linear time', () => {
    const started = Date.now();
    markdownToHtml(`${'*_['.repeat(30_000)}`);
    markdownToHtml(`${'> '.repeat(10_000)}x`);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
