import { Box, Checkbox, FormControl, FormControlLabel, FormGroup, FormHelperText, FormLabel, Paper } from '@mui/material';
import { useInput, useTranslate, type Validator } from 'react-admin';
import { PERMISSIONS } from '../../providers/permissions';

const ALL = '*';

/** The catalogue grouped by resource: `orders` → [`orders:read`, `orders:write`]. */
const GROUPS = PERMISSIONS.reduce<Map<string, string[]>>((groups, permission) => {
  const resource = permission.slice(0, permission.indexOf(':'));
  groups.set(resource, [...(groups.get(resource) ?? []), permission]);
  return groups;
}, new Map());

const atLeastOne: Validator = (value?: string[]) => (value && value.length > 0 ? undefined : 'resources.roles.permissions_required');

/**
 * The permissions of a role: one box per permission, grouped by resource, plus `resource:*` (every
 * action on it, including ones added later) and `*` (everything). A wildcard covers the boxes under
 * it, so they show checked and locked; permissions outside the catalogue are kept as they are.
 */
export function PermissionPicker({ source = 'permissions' }: { source?: string }) {
  const translate = useTranslate();
  const { field, fieldState, isRequired } = useInput({ source, validate: atLeastOne, defaultValue: [] });
  const selected = new Set<string>(field.value ?? []);
  const everything = selected.has(ALL);

  const toggle = (permission: string, on: boolean, covered: string[] = []) => {
    const next = new Set(selected);
    if (on) {
      next.add(permission);
      // A wildcard makes the permissions it covers redundant.
      covered.forEach((each) => next.delete(each));
    } else next.delete(permission);
    field.onChange([...next]);
  };

  const error = fieldState.error?.message;
  return (
    <FormControl component="fieldset" error={Boolean(error)} required={isRequired} sx={{ width: '100%' }}>
      <FormLabel component="legend">{translate('resources.roles.fields.permissions')}</FormLabel>
      <FormControlLabel
        control={<Checkbox checked={everything} onChange={(event) => toggle(ALL, event.target.checked, [...selected])} />}
        label={translate('resources.roles.picker.everything')}
      />
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: 1 }}>
        {[...GROUPS].map(([resource, permissions]) => {
          const wildcard = `${resource}:*`;
          const wholeResource = everything || selected.has(wildcard);
          return (
            <Paper variant="outlined" key={resource} sx={{ p: 1 }}>
              <FormGroup role="group" aria-label={resource}>
                <FormControlLabel
                  control={<Checkbox size="small" checked={wholeResource} disabled={everything} onChange={(event) => toggle(wildcard, event.target.checked, permissions)} />}
                  label={<strong>{translate('resources.roles.picker.all_of', { resource: wildcard })}</strong>}
                />
                {permissions.map((permission) => (
                  <FormControlLabel
                    key={permission}
                    sx={{ pl: 2 }}
                    control={
                      <Checkbox
                        size="small"
                        checked={wholeResource || selected.has(permission)}
                        disabled={wholeResource}
                        onChange={(event) => toggle(permission, event.target.checked)}
                      />
                    }
                    label={permission}
                  />
                ))}
              </FormGroup>
            </Paper>
          );
        })}
      </Box>
      {error && <FormHelperText>{translate(error, { _: error })}</FormHelperText>}
    </FormControl>
  );
}
