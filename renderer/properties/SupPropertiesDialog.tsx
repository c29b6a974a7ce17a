import { useState } from 'react';
import { useConsoleStore } from '../store/console-store';
import { ModalDialog } from '../dialogs/ModalDialog';
import { PropertyButtons } from '../dialogs/PropertyButtons';
import { FieldError } from '../dialogs/FieldError';
import { CustomScheduleDialog } from './CustomScheduleDialog';
import { ProductsTree } from './ProductsTree';
import { ScopeChange } from './ScopeChange';
import { SupersedenceRules } from './SupersedenceRules';
import { ClassificationsTab } from './sup/ClassificationsTab';
import { LanguagesTab } from './sup/LanguagesTab';
import { PropertyTabs } from './sup/PropertyTabs';
import { InheritedNote, ScheduleTab } from './sup/ScheduleTab';
import { SyncSettingsTab } from './sup/SyncSettingsTab';
import { SUP_TABS, useSupProperties, withSelection } from './sup/use-sup-properties';

/** Software Update Point Properties: sync source, schedule, classifications, products, supersedence and languages. */
export function SupPropertiesDialog({ site }: { site: string }) {
  const close = useConsoleStore((state) => state.openDialog);
  const sup = useSupProperties(site);
  const [customizing, setCustomizing] = useState(false);
  const { config, schedule, setConfig, tab } = sup;

  if (config === undefined || schedule === undefined) {
    return (
      <ModalDialog label="Software Update Point Properties" onEscape={() => close(undefined)}>
        {sup.banner ?? 'Loading…'}
      </ModalDialog>
    );
  }
  // A child site inherits everything but its source from the top-level site.
  const readOnly = sup.isChild;
  return (
    <ModalDialog className="properties" labelledBy="sup-title" onEscape={() => close(undefined)}>
      <h2 id="sup-title">Software Update Point Properties — {site}</h2>
      <PropertyTabs tabs={SUP_TABS} current={tab} onSelect={sup.setTab} />
      <div role="tabpanel" aria-label={tab} className="tab-panel">
        {tab === 'Sync Settings' && (
          <SyncSettingsTab
            site={site}
            config={config}
            savedConfig={sup.savedConfig}
            onChange={setConfig}
            parentCode={sup.parentCode}
            errors={sup.settingErrors}
            revealErrors={sup.revealSettingErrors}
          />
        )}
        {tab === 'Synchronization Schedule' && (
          <ScheduleTab
            site={site}
            schedule={schedule}
            onChange={sup.setSchedule}
            errors={sup.errors}
            readOnly={readOnly}
            onCustomize={() => setCustomizing(true)}
          />
        )}
        {tab === 'Classifications' && <ClassificationsTab config={config} categories={sup.categories} onChange={setConfig} readOnly={readOnly} />}
        {tab === 'Products' && (
          <div>
            {readOnly && <InheritedNote />}
            <ProductsTree
              categories={sup.categories}
              products={config.products}
              unresolvedNames={config.unresolvedNames?.products ?? []}
              disabled={readOnly}
              onChange={(products) => setConfig(withSelection(config, { products }))}
            />
          </div>
        )}
        {tab === 'Supersedence Rules' && (
          <SupersedenceRules
            rule={config.supersedence ?? { expire: 'never', months: 3 }}
            disabled={readOnly}
            error={sup.settingErrors['supersedence.months']}
            onChange={(supersedence) => setConfig({ ...config, supersedence })}
          />
        )}
        {tab === 'Languages' && <LanguagesTab config={config} onChange={setConfig} readOnly={readOnly} error={sup.settingErrors.languages} />}
      </div>
      {!readOnly && <ScopeChange site={site} saved={sup.savedConfig} proposed={config} />}
      <FieldError message={sup.banner} />
      <PropertyButtons
        saving={sup.saving}
        onOk={() => void sup.apply().then((ok) => ok && close(undefined))}
        onCancel={() => close(undefined)}
        onApply={() => void sup.apply()}
      />
      {customizing && (
        <CustomScheduleDialog
          site={site}
          initial={schedule}
          onDone={(next) => {
            setCustomizing(false);
            if (next !== undefined) sup.setSchedule(next);
          }}
        />
      )}
    </ModalDialog>
  );
}
