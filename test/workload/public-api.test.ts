import * as path from 'node:path';
import * as ts from 'typescript';
import { Testing } from 'cdk8s';
import { buildMixedChart } from './fixtures/plus-33-project';

/**
 * What users pass in must not tie them to a cdk8s-plus major (issue #18): every exported props
 * interface (and every interface or class it reaches) is walked with the TypeScript compiler,
 * and a project on cdk8s-plus-33 compiles against the library with zero diagnostics.
 */
const ROOT = path.resolve(__dirname, '../..');
const ENTRY_POINTS = [path.join(ROOT, 'lib/index.ts'), path.join(ROOT, 'templates/index.ts')];
const PLUS_33_PROJECT = path.join(__dirname, 'fixtures/plus-33-project.ts');
/**
 * Exported props that users do not pass in: what the abstract HardenedWorkload's protected
 * podProps() hands a subclass to create its cdk8s-plus-27 object (an extension point built on
 * cdk8s-plus-27 by nature, like the constructs' `deployment` escape hatches).
 */
const EXTENSION_API: string[] = [];
/** Files the tests below add to the program from memory: props with every kind of problem, and a cdk8s-plus-33 Probe given to the library. */
const BAD_PROPS = path.join(__dirname, 'virtual-bad-props.ts');
const PLUS_33_PROBE = path.join(__dirname, 'virtual-plus-33-probe.ts');
const VIRTUAL_FILES = {
  [BAD_PROPS]: `
    import * as kplus from 'cdk8s-plus-27';
    import { HealthCheck } from '../../lib';
    export interface Inner { readonly probe: kplus.Probe; }
    export class Maker {
      public static make(probe: kplus.Probe): Maker { return new Maker(probe); }
      private constructor(private readonly probe: kplus.Probe) {}
      /** @internal */
      public _toProbe(): kplus.Probe { return this.probe; }
      public get escapeHatch(): kplus.Probe { return this.probe; }
    }
    export interface BadProps {
      readonly check?: HealthCheck;
      readonly maker?: Maker;
      readonly inner?: Inner[];
      readonly either?: string | number;
      readonly callback?: () => void;
      readonly labels?: Record<string, string>;
      readonly policy?: kplus.ImagePullPolicy;
    }`,
  [PLUS_33_PROBE]: `
    import * as kplus from 'cdk8s-plus-33';
    import { HardenedContainerProps } from '../../lib';
    export const container: HardenedContainerProps = { image: 'x', readiness: kplus.Probe.fromHttpGet('/ready') };`,
};

function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  return { ...config!.options, noEmit: true };
}

/** A program of `roots`, with `virtual` files served from memory (by absolute path). */
function program(roots: string[], virtual: Record<string, string>): ts.Program {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file in virtual ? ts.createSourceFile(file, virtual[file], language) : getSourceFile(file, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file in virtual || fileExists(file);
  return ts.createProgram({ rootNames: [...roots, ...Object.keys(virtual)], options, host });
}

const isExternal = (declaration: ts.Declaration) => declaration.getSourceFile().fileName.includes('/node_modules/');
const isPlus = (declaration: ts.Declaration) => /\/node_modules\/cdk8s-plus-\d+\//.test(declaration.getSourceFile().fileName);
const isPublic = (member: ts.ClassElement) =>
  !(ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) &&
  !(member.name && ts.isIdentifier(member.name) && member.name.text.startsWith('_')) &&
  !(member.name && ts.isPrivateIdentifier(member.name));

/**
 * Every type users write into a props interface, judged by its declared type (the checker would
 * see enums and booleans as unions): `Interface.property: problem`, for each property whose
 * type refers to a cdk8s-plus declaration, is a union (other than `T | undefined`), a function or
 * generic. Interfaces and classes of this library it reaches are judged too: an interface's
 * properties, a class's public constructor and method parameters (what users pass in; a
 * construct's public members, such as `deployment`, are escape hatches and may be cdk8s-plus).
 */
function publicApiProblems(prog: ts.Program, entryPoints: string[]): string[] {
  const checker = prog.getTypeChecker();
  const problems: string[] = [];
  const seen = new Set<ts.Symbol>();
  const queue: ts.Symbol[] = [];
  const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const enqueue = (symbol: ts.Symbol) => {
    if (!seen.has(symbol)) {
      seen.add(symbol);
      queue.push(symbol);
    }
  };

  function judge(node: ts.TypeNode | undefined, at: string): void {
    if (!node) {
      problems.push(`${at}: no declared type`);
      return;
    }
    if (ts.isUnionTypeNode(node)) {
      const rest = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
      if (rest.length > 1) problems.push(`${at}: a union (${node.getText()})`);
      rest.forEach((t) => judge(t, at));
    } else if (ts.isFunctionTypeNode(node) || ts.isConstructorTypeNode(node)) {
      problems.push(`${at}: a function type (${node.getText()})`);
    } else if (ts.isArrayTypeNode(node)) {
      judge(node.elementType, at);
    } else if (ts.isParenthesizedTypeNode(node)) {
      judge(node.type, at);
    } else if (ts.isTypeLiteralNode(node)) {
      for (const member of node.members) {
        if (ts.isIndexSignatureDeclaration(member) || ts.isPropertySignature(member)) judge(member.type, at);
        else problems.push(`${at}: a member that is not a property (${member.getText()})`);
      }
    } else if (ts.isTypeReferenceNode(node)) {
      if (node.typeArguments?.length) problems.push(`${at}: a generic (${node.getText()})`);
      const symbol = checker.getSymbolAtLocation(node.typeName);
      if (!symbol) {
        problems.push(`${at}: an unresolved type (${node.getText()})`);
        return;
      }
      const target = resolve(symbol);
      const declarations = target.declarations ?? [];
      if (declarations.some(isPlus)) problems.push(`${at}: a cdk8s-plus type (${node.getText()})`);
      else if (!declarations.some(isExternal)) {
        for (const d of declarations) {
          if (ts.isTypeAliasDeclaration(d)) judge(d.type, at);
        }
        enqueue(target);
      }
    } else if (
      ts.isTypeQueryNode(node) ||
      ts.isImportTypeNode(node) ||
      ts.isIndexedAccessTypeNode(node) ||
      ts.isConditionalTypeNode(node)
    ) {
      problems.push(`${at}: a computed type (${node.getText()})`);
    }
    // Keywords (string, number, boolean) and literal types are fine.
  }

  function walk(symbol: ts.Symbol): void {
    const name = symbol.getName();
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isInterfaceDeclaration(declaration)) {
        if (declaration.typeParameters?.length) problems.push(`${name}: a generic interface`);
        for (const clause of declaration.heritageClauses ?? []) {
          for (const parent of clause.types) {
            const parents = resolve(checker.getSymbolAtLocation(parent.expression)!);
            if ((parents.declarations ?? []).some(isPlus)) problems.push(`${name}: extends a cdk8s-plus type (${parent.getText()})`);
            else if (!(parents.declarations ?? []).some(isExternal)) enqueue(parents);
          }
        }
        for (const member of declaration.members) {
          const at = `${name}.${member.name?.getText() ?? '[index]'}`;
          if (ts.isPropertySignature(member)) judge(member.type, at);
          else if (ts.isIndexSignatureDeclaration(member)) judge(member.type, at);
          else problems.push(`${at}: a method (props hold data)`);
        }
      } else if (ts.isClassDeclaration(declaration)) {
        if (declaration.typeParameters?.length) problems.push(`${name}: a generic class`);
        for (const member of declaration.members) {
          if (!(ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) || !isPublic(member)) continue;
          const method = ts.isConstructorDeclaration(member) ? 'constructor' : member.name.getText();
          for (const parameter of member.parameters) {
            judge(parameter.type, `${name}.${method}(${parameter.name.getText()})`);
          }
        }
      }
    }
  }

  for (const exported of propsInterfaces(prog, entryPoints)) enqueue(resolve(exported));
  for (let next = queue.shift(); next; next = queue.shift()) walk(next);
  return problems.sort();
}

/** The exported `...Props` of `entryPoints`, but for the extension API (see EXTENSION_API). */
function propsInterfaces(prog: ts.Program, entryPoints: string[]): ts.Symbol[] {
  const checker = prog.getTypeChecker();
  return entryPoints
    .flatMap((entry) => checker.getExportsOfModule(checker.getSymbolAtLocation(prog.getSourceFile(entry)!)!))
    .filter((s) => s.getName().endsWith('Props') && !EXTENSION_API.includes(s.getName()));
}

function diagnostics(prog: ts.Program, file: string): string[] {
  return ts
    .getPreEmitDiagnostics(prog, prog.getSourceFile(file))
    .map((d) => `${path.relative(ROOT, d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

let library: ts.Program;

beforeAll(() => {
  // One program for every test: type-checking the library is most of the cost.
  library = program([...ENTRY_POINTS, PLUS_33_PROJECT], VIRTUAL_FILES);
});

test('no exported props interface asks for a cdk8s-plus type, a union, a function or a generic', () => {
  expect(propsInterfaces(library, ENTRY_POINTS).map((s) => s.getName())).toEqual(
    expect.arrayContaining(['HardenedContainerProps', 'HardenedCronJobProps', 'ScheduledJobProps', 'StatefulStoreProps']),
  );
  expect(publicApiProblems(library, ENTRY_POINTS)).toEqual([]);
});

test('the walk finds each kind of problem, naming interface.property', () => {
  expect(publicApiProblems(library, [BAD_PROPS])).toEqual([
    'BadProps.callback: a function type (() => void)',
    'BadProps.either: a union (string | number)',
    'BadProps.labels: a generic (Record<string, string>)',
    'BadProps.policy: a cdk8s-plus type (kplus.ImagePullPolicy)',
    'Inner.probe: a cdk8s-plus type (kplus.Probe)',
    'Maker.make(probe): a cdk8s-plus type (kplus.Probe)',
  ]);
});

describe('a project on cdk8s-plus-33', () => {
  test('compiles a hardened workload built with the library types next to a cdk8s-plus-33 Deployment, with zero diagnostics', () => {
    expect(diagnostics(library, PLUS_33_PROJECT)).toEqual([]);
  });

  test('and would not compile a cdk8s-plus-33 Probe given to the library (the check above can fail)', () => {
    expect(diagnostics(library, PLUS_33_PROBE)).toEqual([
      expect.stringMatching(/Type 'Probe' is missing the following properties from type 'HealthCheck'/),
    ]);
  });

  test('synthesizes both in one chart', () => {
    const objects = Testing.synth(buildMixedChart(Testing.app()));
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([expect.stringMatching(/^mixed-legacy-/), 'web']);
    const web = deployments.find((d) => d.metadata.name === 'web').spec.template.spec;
    expect(web.containers[0].readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' },
      failureThreshold: 3,
      periodSeconds: 5,
    });
    expect(web.volumes).toEqual(expect.arrayContaining([{ name: 'configmap-settings', configMap: { name: 'settings' } }]));
  });
});
