import { useCallback, useEffect, useState } from 'react';

/** An element's content width, kept current as the pane is resized (the splitter, the window). */
export function useElementWidth<E extends HTMLElement>(): [(element: E | null) => void, number] {
  const [element, setElement] = useState<E | null>(null);
  const [width, setWidth] = useState(0);
  const ref = useCallback((node: E | null) => setElement(node), []);
  useEffect(() => {
    if (element === null) return;
    const update = () => setWidth(Math.floor(element.clientWidth));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return [ref, width];
}
