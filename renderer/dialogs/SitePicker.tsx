import { siteDisplayName, type Site } from '../../shared/domain';

interface Props {
  sites: ReadonlyArray<Pick<Site, 'code' | 'name'>>;
  value: string;
  onChange: (code: string) => void;
  label?: string;
}

/** A choice of site, each shown as "CODE - Name" (the console's one way of naming a site). */
export function SitePicker({ sites, value, onChange, label }: Props) {
  return (
    <select value={value} onChange={(event) => onChange(event.target.value)} {...(label === undefined ? {} : { 'aria-label': label })}>
      {sites.map((site) => (
        <option key={site.code} value={site.code}>
          {siteDisplayName(site)}
        </option>
      ))}
    </select>
  );
}
