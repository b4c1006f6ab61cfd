import { LocalSetupError } from '../../local/errors';
import { DEFAULT_NAME, parseBootstrapArgs, USAGE } from '../../scripts/admin-bootstrap';

describe('npm run bootstrap-admin arguments', () => {
  it('needs --email; the stack defaults to Backoffice, the region to the SDK default', () => {
    expect(parseBootstrapArgs(['--email', 'admin@company.com'])).toEqual({ email: 'admin@company.com', name: DEFAULT_NAME, stack: 'Backoffice' });
    expect(parseBootstrapArgs(['--email=admin@company.com', '--stack', 'Staging', '--region', 'eu-central-1', '--name', 'Ada Admin'])).toEqual({
      email: 'admin@company.com',
      name: 'Ada Admin',
      stack: 'Staging',
      region: 'eu-central-1',
    });
  });

  it.each([
    [[], '--email is required'],
    [['--email'], '--email needs a value'],
    [['--email', '--stack', 'X'], '--email needs a value'],
    [['--email', 'a@b.co', '--email', 'c@d.co'], '--email given twice'],
    [['--email', 'a@b.co', '--force'], 'Unknown option --force'],
    [['admin@company.com'], 'Unexpected argument admin@company.com'],
  ])('%j → one line with the usage', (argv, message) => {
    expect(() => parseBootstrapArgs(argv)).toThrow(LocalSetupError);
    expect(() => parseBootstrapArgs(argv)).toThrow(`${message}. ${USAGE}`);
  });

  it('--help prints the usage and asks for nothing', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(parseBootstrapArgs(['--help'])).toBeUndefined();
    expect(log).toHaveBeenCalledWith(USAGE);
    log.mockRestore();
  });
});
