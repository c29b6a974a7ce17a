import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createConsoleApi, subscribeToEvents } from './api/console-api';
import { connect } from './api/connect';
import { App } from './App';
import { useConsoleStore } from './store/console-store';
import './styles.css';

const connection = connect();
const store = useConsoleStore.getState();
store.attach(createConsoleApi(connection.bridge), connection.bridge.transport);
connection.onConnection((state) => useConsoleStore.getState().setConnection(state));
subscribeToEvents(connection.bridge, (event) => useConsoleStore.getState().handleEvent(event));
void store.refresh();

const container = document.getElementById('root');
if (container === null) throw new Error('The console page has no #root element.');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
