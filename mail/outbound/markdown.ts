/**
 * Operators write replies and notes in a small Markdown: bold, italics, links, lists,
 * quotes, code and line breaks as typed. Rendered once, when the comment is written, to
 * HTML for the mail and the pages, and to plain text for the mail's text part. markdown-it
 * parses without backtracking regexes over the whole text; raw HTML is not Markdown here
 * (it shows as typed), and the result goes through an allow-list all the same.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { convert as htmlToText } from 'html-to-text';

const markdown = new MarkdownIt('commonmark', { html: false, breaks: true, linkify: false })
  // Headings, images and rules are not what a reply needs; they stay text.
  .disable(['heading', 'lheading', 'image', 'hr', 'html_block', 'html_inline']);

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre'],
  allowedAttributes: { a: ['href', 'rel', 'target'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // A link leaves the helpdesk without telling the other site where it came from.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/** The HTML of an operator's message: for the mail's HTML part, the admin UI and the customer's page. */
export function markdownToHtml(text: string): string {
  return sanitizeHtml(markdown.render(text), ALLOWED).trim();
}

/** The same message as readable plain text: links as "text [url]", lists with their bullets, quotes with ">". */
export function markdownHtmlToText(html: string): string {
  return htmlToText(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['[', ']'] } },
      { selector: 'blockquote', options: { trimEmptyLines: true } },
    ],
  }).trim();
}

/** Whether a comment is an operator's Markdown: written in the admin UI or the API, not mailed in. */
export const isOperatorMarkdown = (comment: { authorKind: string; channel: string }) => comment.authorKind === 'operator' && comment.channel === 'admin';
