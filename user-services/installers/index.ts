/** Every kind of example build, by name: a new one is one file and one line here. */
import { go } from './go.ts';
import type { ExampleInstaller } from './installer.ts';
import { maven } from './maven.ts';
import { npm } from './npm.ts';
import { pip } from './pip.ts';

export const INSTALLERS: readonly ExampleInstaller[] = [npm, pip, go, maven];
