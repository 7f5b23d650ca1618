/**
 * A canned reply's body is a Handlebars template, written by operators, filled by the same
 * engine as the mail templates. Only the documented variables and `{{#if}}`/`{{#unless}}`
 * on them are accepted, so a reply can't reach a helper, a partial or anything of the
 * context but what the operator sees listed, and a typo is refused when the reply is saved
 * rather than sent blank to a customer.
 */
import Handlebars from 'handlebars';
import { CANNED_REPLY_VARIABLES, type CannedReplyContext, MAX_CANNED_BODY_LENGTH } from '../../domain/canned-reply';

const KNOWN = new Set<string>(Object.keys(CANNED_REPLY_VARIABLES));
const CONDITIONS = new Set(['if', 'unless']);

const known = (node: hbs.AST.Expression): string | null => {
  if (node.type !== 'PathExpression') return 'only the variables listed can be used';
  const path = (node as hbs.AST.PathExpression).original;
  return KNOWN.has(path) ? null : `{{${path}}} is not a variable (there are: ${[...KNOWN].map((v) => `{{${v}}}`).join(', ')})`;
};

function problemIn(statements: hbs.AST.Statement[]): string | null {
  for (const statement of statements) {
    switch (statement.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        continue;
      case 'MustacheStatement': {
        const mustache = statement as hbs.AST.MustacheStatement;
        if (mustache.params.length || mustache.hash) return `{{${(mustache.path as hbs.AST.PathExpression).original ?? ''} …}} is not a variable: write a variable alone in the braces`;
        const problem = known(mustache.path as hbs.AST.Expression);
        if (problem) return problem;
        continue;
      }
      case 'BlockStatement': {
        const block = statement as hbs.AST.BlockStatement;
        const helper = (block.path as hbs.AST.PathExpression).original;
        if (!CONDITIONS.has(helper) || block.params.length !== 1 || block.hash) return `{{#${helper}}} can't be used: only {{#if variable}} and {{#unless variable}}`;
        const problem = known(block.params[0]!)
          ?? problemIn(block.program.body)
          ?? (block.inverse ? problemIn(block.inverse.body) : null);
        if (problem) return problem;
        continue;
      }
      default:
        return 'only variables and {{#if}}/{{#unless}} can be used';
    }
  }
  return null;
}

/** Why a body can't be a canned reply, or null when it can. */
export function cannedReplyTemplateProblem(body: string): string | null {
  if (body.length > MAX_CANNED_BODY_LENGTH) return `A canned reply is at most ${MAX_CANNED_BODY_LENGTH} characters.`;
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(body);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return `The text has a broken {{variable}}: ${first}`;
  }
  const problem = problemIn(program.body);
  return problem ? `The text can't be filled in: ${problem}.` : null;
}

/** The body with the ticket's details filled in, as plain text (the reply box's text, not HTML). */
export function renderCannedReply(body: string, context: CannedReplyContext): string {
  return Handlebars.compile(body, { noEscape: true, knownHelpers: { if: true, unless: true }, knownHelpersOnly: true })(context);
}
