/** A Java example: `mvn package` (the pom copies the runtime jars to target/lib/). Maven comes from Debian. */
import { UserError } from '../../core/errors.ts';
import { findOnPath, installAptPackages } from '../../lab/tools.ts';
import type { ExampleInstaller } from './installer.ts';
import { step } from './installer.ts';

export const maven: ExampleInstaller = {
  name: 'maven',
  manifest: 'pom.xml',
  inputs: ['pom.xml', 'src'],
  stamp: 'target/outage-lab.stamp',
  async install(dir, ctx) {
    if (!findOnPath('java', ctx.env)) throw new UserError(`${ctx.name} needs a Java 17 JDK, which is not on PATH: apt-get install openjdk-17-jdk-headless`);
    if (!findOnPath('mvn', ctx.env)) await installAptPackages(['maven'], { envVar: 'PATH', what: 'Maven' }, false, ctx.env, ctx.log);
    ctx.log(`${ctx.name}: mvn package (first time: the SDK's jars from Maven Central, ~1 min)`);
    await step(ctx, dir, 'mvn', ['-q', '-B', 'package', '-DskipTests']);
    return 'built with mvn package (classes in target/classes, jars in target/lib)';
  },
};
