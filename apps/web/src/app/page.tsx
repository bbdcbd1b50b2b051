import { HomeView } from "~/views/home";

export default function HomePage() {
  return <HomeView />;
}
