import { autoCrud, restInterface } from 'loom-kernel';
import { Tag } from './model.ts';

export const TagApi = restInterface(Tag, {
  prefix: '/tags',
  tags: ['Tags'],
  routes: [...autoCrud(Tag, { include: ['create', 'get', 'list', 'delete'] })],
});
