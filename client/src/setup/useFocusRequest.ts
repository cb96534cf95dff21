import { useCallback, useEffect, useState } from "react";

/**
 * Moves focus to an element by id once React has rendered it: the field a press of "add"
 * created, or a neighbour of a removed row, so keyboard users never land on <body>.
 */
export function useFocusRequest(): (id: string) => void {
  const [request, setRequest] = useState<{ readonly id: string } | null>(null);
  useEffect(() => {
    if (request !== null) document.getElementById(request.id)?.focus();
  }, [request]);
  // A fresh object each time, so asking twice for the same id focuses twice.
  return useCallback((id: string) => setRequest({ id }), []);
}
