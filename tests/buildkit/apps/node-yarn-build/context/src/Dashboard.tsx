export function Dashboard({ total }: { total: number }) {
  return <h1>Orders today: {total}</h1>;
}
