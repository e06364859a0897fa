import 'reflect-metadata';
import { runPipelineService } from '@penalty/messaging';
import { API_DOCS, ApiModule } from './api.module';

runPipelineService(ApiModule, API_DOCS);
