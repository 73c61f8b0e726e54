/**
 * Reading Helm's Go templates without helm: the actions, whether their blocks balance, the values they read,
 * and a YAML skeleton of the static text. Enough to catch the mistakes a reader of a chart makes most.
 */

export interface TemplateAction {
  /** The action without delimiters, trim markers and surrounding space. */
  body: string;
  line: number;
}

const ACTION = /\{\{(-?)([\s\S]*?)(-?)\}\}/g;
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

export function templateActions(text: string): TemplateAction[] {
  const actions: TemplateAction[] = [];
  for (const match of text.matchAll(ACTION)) {
    const body = match[2]!.trim();
    if (body.startsWith('/*')) continue;
    actions.push({ body, line: text.slice(0, match.index).split('\n').length });
  }
  return actions;
}

/** Problems with delimiters and blocks, as "line N: ..." strings; empty when the template is well formed. */
export function blockProblems(text: string): string[] {
  const problems: string[] = [];
  // Delimiters alternate: every "{{" is closed by "}}" before the next "{{" opens.
  let expectOpen = true;
  for (const match of text.matchAll(/\{\{|\}\}/g)) {
    const isOpen = match[0] === '{{';
    if (isOpen !== expectOpen) {
      const line = text.slice(0, match.index).split('\n').length;
      problems.push(`line ${line}: unexpected "${match[0]}"`);
      break;
    }
    expectOpen = !expectOpen;
  }
  if (!expectOpen) problems.push('the last "{{" is never closed');
  const stack: TemplateAction[] = [];
  for (const action of templateActions(text)) {
    const keyword = /^[a-z]+/.exec(action.body)?.[0] ?? '';
    if (OPENERS.has(keyword)) stack.push(action);
    else if (keyword === 'else') {
      const open = stack.at(-1);
      if (!open || !/^(if|range|with)\b/.test(open.body)) {
        problems.push(`line ${action.line}: "else" outside if/range/with`);
      }
    } else if (keyword === 'end') {
      if (!stack.pop()) problems.push(`line ${action.line}: "end" without a block to close`);
    }
  }
  for (const open of stack) problems.push(`line ${open.line}: "${open.body}" is never closed by "end"`);
  return problems;
}

/** Every `.Values.a.b` path the template reads (also through `$.Values`). */
export function valuesPaths(text: string): string[] {
  const paths = new Set<string>();
  for (const action of templateActions(text)) {
    for (const match of action.body.matchAll(/\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      paths.add(match[1]!.slice(1));
    }
  }
  return [...paths].sort();
}

export function definedTemplates(text: string): string[] {
  return templateActions(text).flatMap((action) => /^define\s+"([^"]+)"/.exec(action.body)?.[1] ?? []);
}

export function includedTemplates(text: string): string[] {
  return templateActions(text).flatMap((action) =>
    [...action.body.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)].map((match) => match[1]!),
  );
}

/**
 * The static YAML of a template: lines holding only actions are dropped, actions inside a line become a
 * placeholder. Every branch and loop body is kept once, so the result parses when the static indentation is right.
 */
export function yamlSkeleton(text: string): string {
  const marker = '\u0000';
  return text
    .replace(ACTION, marker)
    .split('\n')
    .filter((line) => line.replaceAll(marker, '').trim() !== '')
    .map((line) => line.replaceAll(marker, 'PLACEHOLDER'))
    .join('\n');
}
