import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { CodeBlock, codeBlocks, documentationFiles, ROOT } from './markdown';

/**
 * Every ```ts block of the README and docs/ is type-checked against the library, as a user's
 * file would be: `cdk8s-hardened` is lib/, `cdk8s-hardened/templates` is templates/. A block
 * that is deliberately a fragment (names defined elsewhere, `...`) says so: ```ts fragment.
 */
const TS = new Set(['ts', 'typescript']);
const all = documentationFiles().flatMap((file) => codeBlocks(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
const typescriptBlocks = all.filter((block) => TS.has(block.info[0]));
const fragments = typescriptBlocks.filter((block) => block.info.includes('fragment'));
const compiled = typescriptBlocks.filter((block) => !block.info.includes('fragment'));

/** Where a block is compiled: a file beside the sources, so node_modules resolve as for any file of the project. */
const virtualPath = (block: CodeBlock) => path.join(ROOT, '.doc-blocks', `${block.file.replace(/[/.]/g, '_')}_${block.line}.ts`);

/** The type errors of each block, by its virtual path: one program for all of them. */
function typeCheck(blocks: readonly CodeBlock[]): Map<string, string[]> {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    noEmit: true,
    // Examples create constructs for their side effects: a variable they never read is fine.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    baseUrl: ROOT,
    paths: { 'cdk8s-hardened': ['./lib/index.ts'], 'cdk8s-hardened/templates': ['./templates/index.ts'] },
  };
  const sources = new Map(
    blocks.map((block) => [virtualPath(block), /^\s*(import|export)\s/m.test(block.code) ? block.code : `${block.code}\nexport {};\n`]),
  );
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError) => {
    const text = sources.get(path.resolve(file));
    return text !== undefined ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, onError);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => sources.has(path.resolve(file)) || fileExists(file);
  const program = ts.createProgram([...sources.keys()], compilerOptions, host);
  const errors = new Map<string, string[]>([...sources.keys()].map((file) => [file, []]));
  for (const diagnostic of [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]) {
    const file = diagnostic.file && path.resolve(diagnostic.file.fileName);
    if (!file || !errors.has(file)) continue;
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    errors.get(file)!.push(`line ${line + 1} of the block: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
  }
  return errors;
}

/** Two blocks that prove the checker itself: one that must compile through both package names, one that must not. */
const good: CodeBlock = {
  file: 'checker.md',
  line: 1,
  info: ['ts'],
  code: "import { HardenedApp } from 'cdk8s-hardened';\nimport { WebService } from 'cdk8s-hardened/templates';\nnew HardenedApp();\nexport const t = WebService;",
};
const bad: CodeBlock = {
  file: 'checker.md',
  line: 9,
  info: ['ts'],
  code: "import { HardenedApp } from 'cdk8s-hardened';\nnew HardenedApp({ replicas: 2 });",
};

// One program for every block (type-checking the library takes most of the time).
let errors: Map<string, string[]>;
beforeAll(() => {
  errors = typeCheck([...compiled, good, bad]);
}, 180_000);

describe(`${compiled.length} TypeScript blocks of the README and docs/ compile (${fragments.length} marked fragment are not)`, () => {
  test('the README has compiled blocks, and every fragment is in a ts block', () => {
    expect(compiled.filter((block) => block.file === 'README.md').length).toBeGreaterThan(0);
    expect(all.filter((block) => block.info.includes('fragment') && !TS.has(block.info[0]))).toEqual([]);
  });

  test.each(compiled.map((block) => [`${block.file}:${block.line}`, block] as const))('%s', (_, block) => {
    expect(errors.get(virtualPath(block))).toEqual([]);
  });
});

describe('the block compiler', () => {
  test('fails a block with a type error and resolves both package names', () => {
    expect(errors.get(virtualPath(good))).toEqual([]);
    expect(errors.get(virtualPath(bad))!.join('\n')).toMatch(/line 2 of the block: .*replicas/);
  });
});

describe('the block reader', () => {
  test('reads fences with their info string, and takes ```` ```ts ```` in prose for code, not a fence', () => {
    const text = 'Every ```` ```ts ```` block is compiled.\n\n```ts fragment\nfoo();\n```\n\n~~~sh\nls\n~~~\n';
    expect(codeBlocks('x.md', text)).toEqual([
      { file: 'x.md', line: 4, info: ['ts', 'fragment'], code: 'foo();' },
      { file: 'x.md', line: 8, info: ['sh'], code: 'ls' },
    ]);
  });
});
