export { repositoryRoot } from '../../test/helpers/paths.ts';
