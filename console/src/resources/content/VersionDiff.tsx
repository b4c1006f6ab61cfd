import { Box, MenuItem, TextField, Typography } from '@mui/material';
import { diffWords, type Change } from 'diff';
import { useState } from 'react';
import { useListContext, useLocale, useTranslate } from 'react-admin';
import { ActorText } from '../../shared/actor';

interface Version {
  number: number;
  title: string;
  body: string;
  createdAt: string;
  createdBy: string;
}

const visuallyHidden = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

/**
 * Insertions and deletions as <ins>/<del>, underlined and struck through (not told by colour
 * alone), each announced to screen readers, which do not voice those elements themselves.
 */
function Changes({ changes }: { changes: Change[] }) {
  const translate = useTranslate();
  return (
    <Box sx={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', lineHeight: 1.7 }}>
      {changes.map((change, index) => {
        if (change.added) {
          return (
            <Box component="ins" key={index} sx={{ bgcolor: '#d3f3da', color: '#0b3d17', textDecoration: 'underline', px: '2px' }}>
              <Box component="span" sx={visuallyHidden}>{`[${translate('resources.content-versions.diff.added')}: `}</Box>
              {change.value}
              <Box component="span" sx={visuallyHidden}>]</Box>
            </Box>
          );
        }
        if (change.removed) {
          return (
            <Box component="del" key={index} sx={{ bgcolor: '#fbe0e0', color: '#5c0a0a', textDecoration: 'line-through', px: '2px' }}>
              <Box component="span" sx={visuallyHidden}>{`[${translate('resources.content-versions.diff.removed')}: `}</Box>
              {change.value}
              <Box component="span" sx={visuallyHidden}>]</Box>
            </Box>
          );
        }
        return <span key={index}>{change.value}</span>;
      })}
    </Box>
  );
}

/** The versions of a piece (oldest first); any of them against the one before it, word by word. */
export function VersionDiff() {
  const { data, isPending } = useListContext<Version & { id: number }>();
  const translate = useTranslate();
  const locale = useLocale();
  const [chosen, setChosen] = useState<number | undefined>();
  if (isPending || !data || data.length === 0) return null;
  const versions = [...data].sort((a, b) => a.number - b.number);
  const current = versions.find((v) => v.number === chosen) ?? versions[versions.length - 1]!;
  const previous = versions.find((v) => v.number === current.number - 1);
  return (
    <Box>
      <Typography component="h2" variant="h6" sx={{ mb: 1 }}>
        {translate('resources.content-versions.name', { smart_count: 2 })}
      </Typography>
      <TextField
        select
        size="small"
        label={translate('resources.content-versions.diff.choose')}
        value={current.number}
        onChange={(event) => setChosen(Number(event.target.value))}
        sx={{ minWidth: 320, mb: 2 }}
      >
        {versions.map((v) => (
          <MenuItem key={v.number} value={v.number}>
            {translate('resources.content-versions.diff.option', { number: v.number, at: new Date(v.createdAt).toLocaleString(locale) })}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {translate('resources.content-versions.diff.by', { number: current.number })} <ActorText actor={current.createdBy} />
        {' · '}
        {previous ? translate('resources.content-versions.diff.against', { number: previous.number }) : translate('resources.content-versions.diff.first')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {translate('resources.content-versions.diff.legend')}
      </Typography>
      <Typography component="h3" variant="subtitle1">
        {translate('resources.content.fields.title')}
      </Typography>
      <Changes changes={diffWords(previous?.title ?? '', current.title)} />
      <Typography component="h3" variant="subtitle1" sx={{ mt: 2 }}>
        {translate('resources.content.fields.body')}
      </Typography>
      <Changes changes={diffWords(previous?.body ?? '', current.body)} />
    </Box>
  );
}
