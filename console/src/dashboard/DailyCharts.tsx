import { Card, CardContent, CircularProgress, FormControl, InputLabel, MenuItem, Select, Stack, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useLocale, useTranslate } from 'react-admin';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { unwrap } from '../api/call';
import { useApi } from '../shared/api-context';
import { CURRENCIES, formatMoney } from '../shared/money';

type Currency = (typeof CURRENCIES)[number];

const DAYS = 30;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** One chart in a card; its heading names it for screen readers too (the SVG itself is decorative). */
function ChartCard({ title, children }: { title: string; children: React.ReactElement }) {
  const headingId = useId();
  return (
    <Card component="section" aria-labelledby={headingId} sx={{ flex: 1, minWidth: 280 }}>
      <CardContent>
        <Typography id={headingId} component="h2" variant="h6" gutterBottom>
          {title}
        </Typography>
        <ResponsiveContainer width="100%" height={220}>
          {children}
        </ResponsiveContainer>
      </CardContent>
    </Card>
  );
}

/** Orders, revenue and refunds per day over the last 30 days (UTC), in the chosen currency. */
export default function DailyCharts() {
  const api = useApi();
  const translate = useTranslate();
  const locale = useLocale();
  const theme = useTheme();
  const [currency, setCurrency] = useState<Currency>('EUR');
  const currencyLabelId = useId();
  const to = new Date();
  const from = new Date(to.getTime() - (DAYS - 1) * 86_400_000);
  const range = { from: isoDay(from), to: isoDay(to) };
  const { data, isPending, error } = useQuery({
    queryKey: ['analytics-daily', range, currency],
    queryFn: () => unwrap(api.GET('/analytics/daily', { params: { query: { ...range, currency, metrics: 'ordersCreated,revenue,refunds' } } })),
  });

  const days = (data?.days ?? []).map(({ date, metrics }) => ({
    day: date.slice(5),
    orders: metrics.ordersCreated ?? 0,
    revenue: (metrics.revenue?.amount ?? 0) / 100,
    refunds: metrics.refunds?.count ?? 0,
    refundAmount: (metrics.refunds?.amount.amount ?? 0) / 100,
  }));
  const money = (major: number) => formatMoney({ amount: Math.round(major * 100), currency }, locale);
  const axis = { stroke: theme.palette.text.secondary, fontSize: 12 };
  const grid = <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />;
  const tooltip = { contentStyle: { background: theme.palette.background.paper, color: theme.palette.text.primary } };

  return (
    <Stack spacing={2}>
      <FormControl size="small" sx={{ width: 160 }}>
        <InputLabel id={currencyLabelId}>{translate('bo.dashboard.currency')}</InputLabel>
        <Select labelId={currencyLabelId} label={translate('bo.dashboard.currency')} value={currency} onChange={(event) => setCurrency(event.target.value as Currency)}>
          {CURRENCIES.map((code) => (
            <MenuItem key={code} value={code}>
              {code}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {isPending && <CircularProgress aria-label={translate('bo.common.loading')} />}
      {error && <Typography color="error">{(error as Error).message}</Typography>}
      {data && (
        <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2}>
          <ChartCard title={translate('bo.dashboard.orders_per_day')}>
            <BarChart data={days}>
              {grid}
              <XAxis dataKey="day" tick={axis} />
              <YAxis allowDecimals={false} tick={axis} width={40} />
              <Tooltip {...tooltip} />
              <Bar dataKey="orders" name={translate('bo.dashboard.orders')} fill={theme.palette.primary.main} />
            </BarChart>
          </ChartCard>
          <ChartCard title={`${translate('bo.dashboard.revenue_per_day')} (${currency})`}>
            <LineChart data={days}>
              {grid}
              <XAxis dataKey="day" tick={axis} />
              <YAxis tick={axis} width={60} />
              <Tooltip {...tooltip} formatter={(value) => money(Number(value))} />
              <Line type="monotone" dataKey="revenue" name={translate('bo.dashboard.revenue')} stroke={theme.palette.success.main} dot={false} strokeWidth={2} />
            </LineChart>
          </ChartCard>
          <ChartCard title={`${translate('bo.dashboard.refunds_per_day')} (${currency})`}>
            <BarChart data={days}>
              {grid}
              <XAxis dataKey="day" tick={axis} />
              <YAxis allowDecimals={false} tick={axis} width={40} />
              <Tooltip {...tooltip} formatter={(value, name, item) => (item.dataKey === 'refunds' ? [`${value} (${money(item.payload.refundAmount)})`, name] : [value, name])} />
              <Bar dataKey="refunds" name={translate('bo.dashboard.refunds')} fill={theme.palette.warning.main} />
            </BarChart>
          </ChartCard>
        </Stack>
      )}
    </Stack>
  );
}
