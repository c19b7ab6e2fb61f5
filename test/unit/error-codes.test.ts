// Every AppError code is a locale key: both locales have the same keys, and every code the source throws
// (read by the TypeScript compiler, whatever the variable it travels in) has its French and English text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { findProjectRoot } from '../../src/config.js';
import type { Locale } from '../../src/locale.js';

const ROOT = findProjectRoot();
const LOCALES = join(ROOT, 'src', 'views', 'locales');
const read = (file: string) => JSON.parse(readFileSync(join(LOCALES, file), 'utf8')) as Record<string, unknown>;
const locale = (name: Locale) => read(`${name}.json`);
/** The parts a face keeps apart (console-clients.fr.json…), by their name without the language. */
const parts = () => [...new Set(readdirSync(LOCALES).flatMap((file) => /^(.+)\.(?:fr|en)\.json$/.exec(file)?.[1] ?? []))];

/** Every key path, with what it holds (a text or a group), so that a text in one file and a group in the other differ. */
function keysOf(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    return typeof value === 'object' && value !== null
      ? keysOf(value as Record<string, unknown>, `${path}.`)
      : [`${path}: ${typeof value}`];
  });
}

const ERRORS_MODULE = join(ROOT, 'src', 'errors.ts');
const MAKERS = new Set(['AppError', 'invalid', 'conflict', 'notFound', 'rateLimited', 'unavailable']);

interface ThrownCode {
  code: string | undefined;
  where: string;
}

/** The codes given to AppError and its helpers anywhere in src/, as the compiler types them. */
function thrownCodes(): ThrownCode[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    { noEmit: true, incremental: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const checker = program.getTypeChecker();
  const isErrorMaker = (callee: ts.Expression) => {
    if (!ts.isIdentifier(callee) || !MAKERS.has(callee.text)) return false;
    let symbol = checker.getSymbolAtLocation(callee);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.declarations?.some((declaration) => declaration.getSourceFile().fileName === ERRORS_MODULE) ?? false;
  };
  const found: ThrownCode[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && isErrorMaker(node.expression) && node.arguments?.[0]) {
      const argument = node.arguments[0];
      const { line } = argument.getSourceFile().getLineAndCharacterOfPosition(argument.getStart());
      const where = `${argument.getSourceFile().fileName.slice(ROOT.length + 1)}:${line + 1}`;
      const type = checker.getTypeAtLocation(argument);
      for (const member of type.isUnion() ? type.types : [type]) {
        found.push({ code: member.isStringLiteral() ? member.value : undefined, where });
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    if (file.fileName.startsWith(join(ROOT, 'src')) && file.fileName !== ERRORS_MODULE) visit(file);
  }
  return found;
}

describe('the locale files', () => {
  it('have the same keys in French and English, all the way down', () => {
    const french = keysOf(locale('fr'));
    const english = keysOf(locale('en'));
    expect(french.filter((key) => !english.includes(key))).toEqual([]);
    expect(english.filter((key) => !french.includes(key))).toEqual([]);
  });

  it('have every part in both languages, with the same keys', () => {
    expect(parts()).toContain('console');
    for (const part of parts()) {
      const french = keysOf(read(`${part}.fr.json`));
      const english = keysOf(read(`${part}.en.json`));
      expect({ part, missingInEnglish: french.filter((key) => !english.includes(key)) }).toEqual({ part, missingInEnglish: [] });
      expect({ part, missingInFrench: english.filter((key) => !french.includes(key)) }).toEqual({ part, missingInFrench: [] });
    }
  });
});

describe('the error codes', () => {
  const codes = thrownCodes();

  it('are found where src/ throws them', () => {
    expect(codes.length).toBeGreaterThan(50);
    expect(codes.map((thrown) => thrown.code)).toEqual(expect.arrayContaining(['interaction_expired', 'csrf', 'password_too_short']));
  });

  it('are each a text the compiler can name, not any string', () => {
    expect(codes.filter((thrown) => thrown.code === undefined).map((thrown) => thrown.where)).toEqual([]);
  });

  it.each(['fr', 'en'] as const)('each have their text in %s', (name) => {
    const texts = locale(name).errors as Record<string, unknown>;
    const missing = codes.filter(({ code }) => code !== undefined && !(typeof texts[code] === 'string' && texts[code] !== ''));
    expect(missing.map(({ code, where }) => `${code} (${where})`)).toEqual([]);
  });
});
