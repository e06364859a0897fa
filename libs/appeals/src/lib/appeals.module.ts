import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { APPEAL_SUBJECTS, AppealDesk, type AppealSubjects } from './appeal-desk';
import { AppealsController } from './appeals.controller';

/** Appeals for a service: give it the service's decisions (an AppealSubjects provider class) and the modules they need. */
@Module({})
export class AppealsModule {
  static forSubjects(subjects: Type<AppealSubjects>, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: AppealsModule,
      imports,
      controllers: [AppealsController],
      providers: [subjects, { provide: APPEAL_SUBJECTS, useExisting: subjects }, AppealDesk],
      exports: [AppealDesk],
    };
  }
}
